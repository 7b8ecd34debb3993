const { PrismaClient } = require('@prisma/client');

const prisma = new PrismaClient();

async function getUser(id) {
  return prisma.user.findUniqueOrThrow({ where: { id } });
}

const listOrders = async (userId) => prisma.order.findMany({ where: { userId } });

async function userName(id) {
  const user = await getUser(id);
  return user.name;
}

async function orderCount(userId) {
  return (await listOrders(userId)).length;
}

async function firstOrder(userId) {
  return (await listOrders(userId))[0];
}

async function sendUser(req, res) {
  res.status(200).json({ user: await getUser(req.params.id) });
}

async function greeting(id) {
  return `Hello ${await getUser(id)}`;
}

async function removeUser(id) {
  prisma.user.delete({ where: { id } });
}

function namesLater(ids) {
  return ids.map((id) => getUser(id).name);
}
