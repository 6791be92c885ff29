import { describe, expect, it } from 'vitest';
import {
  addOne,
  cartCount,
  cartItems,
  cartProblem,
  cartTotal,
  CheckoutKeys,
  maxQuantity,
  removeOne,
  setQuantity,
  type CartGoods,
} from '../../web/src/modules/counter/cart';

const rice: CartGoods = { id: 7, name: '大米', unit: '袋', price: 30, stock: 5, remainingLimit: null };
const oil: CartGoods = { id: 3, name: '食用油', unit: '桶', price: 45, stock: 10, remainingLimit: 2 };
const soap: CartGoods = { id: 9, name: '肥皂', unit: '块', price: 5, stock: 0, remainingLimit: null };

describe('counter cart', () => {
  it('totals price × quantity over every line', () => {
    let cart = setQuantity([], rice, 2);
    cart = setQuantity(cart, oil, 1);
    expect(cartTotal(cart)).toBe(2 * 30 + 45);
    expect(cartCount(cart)).toBe(3);
  });

  it('clamps a quantity to stock and to the monthly limit, and drops a line at zero', () => {
    expect(setQuantity([], rice, 99)[0].quantity).toBe(5);
    expect(setQuantity([], oil, 5)[0].quantity).toBe(2);
    expect(setQuantity(setQuantity([], rice, 2), rice, 0)).toEqual([]);
    expect(setQuantity([], soap, 1)).toEqual([]);
    expect(maxQuantity(soap)).toBe(0);
    expect(setQuantity([], rice, Number.NaN)).toEqual([]);
    expect(setQuantity([], rice, 2.7)[0].quantity).toBe(2);
  });

  it('adds and removes one at a time without passing the limits', () => {
    let cart = addOne([], oil);
    cart = addOne(cart, oil);
    cart = addOne(cart, oil);
    expect(cart[0].quantity).toBe(2);
    cart = removeOne(cart, oil);
    cart = removeOne(cart, oil);
    expect(cart).toEqual([]);
  });

  it('keeps line order stable when a quantity changes', () => {
    let cart = setQuantity([], rice, 1);
    cart = setQuantity(cart, oil, 1);
    cart = setQuantity(cart, rice, 3);
    expect(cart.map((l) => l.goods.id)).toEqual([7, 3]);
  });

  it('names the first problem before sending', () => {
    expect(cartProblem([], 100)).toBe('empty');
    expect(cartProblem(setQuantity([], rice, 4), 100)).toBe('insufficient_points');
    expect(cartProblem(setQuantity([], rice, 3), 90)).toBeNull();
    // A line built against an older shelf can exceed today's stock or limit.
    expect(cartProblem([{ goods: { ...rice, stock: 1 }, quantity: 2 }], 1000)).toBe('insufficient_stock');
    expect(cartProblem([{ goods: oil, quantity: 3 }], 1000)).toBe('limit_exceeded');
  });

  it('sends items in a stable order so a retry is byte-for-byte the same body', () => {
    const a = cartItems(setQuantity(setQuantity([], rice, 1), oil, 2));
    const b = cartItems(setQuantity(setQuantity([], oil, 2), rice, 1));
    expect(a).toEqual([
      { goodsId: 3, quantity: 2 },
      { goodsId: 7, quantity: 1 },
    ]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('idempotency keys at checkout', () => {
  it('reuses the key for a retry of the same body and makes a new one when the cart changes or after an answer', () => {
    let n = 0;
    const keys = new CheckoutKeys(() => `key-${++n}`);
    const body = { code: 'abc', items: [{ goodsId: 1, quantity: 2 }] };
    const first = keys.keyFor(body);
    expect(keys.keyFor({ ...body })).toBe(first);
    const changed = keys.keyFor({ ...body, items: [{ goodsId: 1, quantity: 3 }] });
    expect(changed).not.toBe(first);
    keys.settle();
    expect(keys.keyFor({ ...body, items: [{ goodsId: 1, quantity: 3 }] })).not.toBe(changed);
  });
});
