const express = require("express");
const orders = require("./routes/orders");

const app = express();
app.use(express.json());
app.use("/orders", orders);

app.listen(process.env.PORT || 3000);

// A crash is logged, and the process goes on serving in whatever state the exception left it.
process.on("uncaughtException", (err) => {
  console.error("uncaught exception", err);
});
