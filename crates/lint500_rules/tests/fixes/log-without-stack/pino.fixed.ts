import express, { Request, Response } from 'express';
import pino from 'pino';
import { orders, users } from './store';

const logger = pino();
const app = express();

app.get('/users/:id', async (req: Request, res: Response) => {
  try {
    res.json(await users.find(req.params.id));
  } catch (err) {
    logger.error(err, `failed to load user: ${(err as Error).message}`);
    res.status(500).json({ error: 'internal' });
  }
});

app.post('/orders', async (req: Request, res: Response) => {
  try {
    res.json(await orders.create(req.body));
  } catch (e: any) {
    logger.error(e, 'order failed: ' + e.message);
    res.status(500).end();
  }
});

app.put('/orders/:id', async (req: Request, res: Response) => {
  try {
    res.json(await orders.update(req.params.id, req.body));
  } catch (e: any) {
    logger.warn({ orderId: req.params.id }, `update failed: ${e.message}`);
    res.status(500).end();
  }
});
