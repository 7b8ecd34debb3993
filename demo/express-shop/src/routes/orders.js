const express = require("express");
const { PrismaClient } = require("@prisma/client");

const router = express.Router();
const prisma = new PrismaClient();

router.get("/:id", async (req, res) => {
  const order = await prisma.order.findUnique({ where: { id: req.params.id } });
  res.json({ id: order.id, total: order.total });
});

router.post("/", async (req, res) => {
  try {
    const order = await prisma.order.create({ data: req.body });
    res.status(201).json(order);
  } catch (err) {
    console.error("could not create order:", err.message);
    res.status(500).json({ error: "could not create order" });
  }
});

router.patch("/:id", async (req, res) => {
  try {
    const order = await prisma.order.update({ where: { id: req.params.id }, data: req.body });
    res.json(order);
  } catch (err) {
    console.error("could not update order", err);
    // The database's own words go to the client: table names, constraints, values.
    res.status(500).json({ error: err.message });
  }
});

router.delete("/:id", async (req, res) => {
  try {
    await prisma.order.delete({ where: { id: req.params.id } });
  } catch (e) {}
  res.sendStatus(204);
});

module.exports = router;
