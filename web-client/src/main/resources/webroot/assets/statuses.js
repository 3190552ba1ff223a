// An order's status in words. The table grows with the server's states; a status it does not know yet
// (a newer server) is still shown, as its own name in plain case, never as an error or a blank.
import { add, has, t } from './i18n.js';

add({
  'zh-CN': {
    'status.PENDING_PAYMENT': '待支付',
    'status.PLACED': '已下单，到店付款',
    'status.PAID': '已支付',
    'status.CONFIRMED': '已成团，备货中',
    'status.PACKED': '已打包',
    'status.DISPATCHED': '配送到自提点途中',
    'status.AT_PICKUP_POINT': '已到自提点，可取货',
    'status.OUT_FOR_DELIVERY': '配送中',
    'status.COMPLETED': '已完成',
    'status.CANCELLED': '已取消',
    'status.REFUNDED': '已退款',
  },
  en: {
    'status.PENDING_PAYMENT': 'Awaiting payment',
    'status.PLACED': 'Ordered, pay at pickup',
    'status.PAID': 'Paid',
    'status.CONFIRMED': 'Group formed, being prepared',
    'status.PACKED': 'Packed',
    'status.DISPATCHED': 'On its way to the pickup point',
    'status.AT_PICKUP_POINT': 'Ready at the pickup point',
    'status.OUT_FOR_DELIVERY': 'Out for delivery',
    'status.COMPLETED': 'Completed',
    'status.CANCELLED': 'Cancelled',
    'status.REFUNDED': 'Refunded',
  },
});

/** Statuses in which the household holds a pickup code to show. */
export const CODE_STATUSES = new Set(['AT_PICKUP_POINT', 'OUT_FOR_DELIVERY']);

export function statusWord(status) {
  if (!status) return '';
  const key = `status.${status}`;
  if (has(key)) return t(key);
  const words = String(status).toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
