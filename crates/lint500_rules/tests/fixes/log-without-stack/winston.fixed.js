const express = require('express');
const winston = require('winston');
const { orders, users } = require('./store');

const logger = winston.createLogger({ transports: [new winston.transports.Console()] });
const app = express();

app.get('/users/:id', async (req, res) => {
  try {
    res.json(await users.find(req.params.id));
  } catch (err) {
    logger.error(`failed to load user: ${err.message}`);
    res.status(500).json({ error: 'internal' });
  }
});
