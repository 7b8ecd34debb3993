const express = require('express');
const { orders, users } = require('./store');

const app = express();

app.get('/users/:id', async (req, res) => {
  try {
    res.json(await users.find(req.params.id));
  } catch (err) {
    console.error('failed to load user', err);
    res.status(500).json({ error: 'internal' });
  }
});

app.post('/orders', async (req, res) => {
  try {
    res.json(await orders.create(req.body));
  } catch (e) {
    console.error(`order failed: ${e.message}`, e);
    res.status(500).end();
  }
});

app.delete('/orders/:id', async (req, res) => {
  try {
    await orders.remove(req.params.id);
    res.status(204).end();
  } catch (error) {
    console.warn('remove failed: ' + String(error), error);
    res.status(500).end();
  }
});

app.use((err, req, res, next) => {
  console.error(err);
  res.status(500).json({ error: 'internal' });
});
