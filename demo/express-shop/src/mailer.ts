import { sendMail } from "./smtp";

export async function sendReceipt(to: string, orderId: string): Promise<void> {
  try {
    await sendMail({ to, subject: `Receipt for order ${orderId}` });
  } catch (error) {
    console.warn(`receipt for ${orderId} not sent: ${error}`);
  }
}
