/** What the counter needs to know about one item on the shelf. */
export interface CartGoods {
  id: number;
  name: string;
  unit: string;
  price: number;
  stock: number;
  /** Remaining this month for this household, if the item has a monthly limit. */
  remainingLimit: number | null;
}

export interface CartLine {
  goods: CartGoods;
  quantity: number;
}

export type Cart = CartLine[];

/** The most of one item this household may take now: stock, then its monthly limit. */
export function maxQuantity(g: CartGoods): number {
  const byLimit = g.remainingLimit === null ? Number.POSITIVE_INFINITY : g.remainingLimit;
  return Math.max(0, Math.min(g.stock, byLimit, 1000));
}

export function quantityOf(cart: Cart, goodsId: number): number {
  return cart.find((l) => l.goods.id === goodsId)?.quantity ?? 0;
}

/** Sets one item's quantity (clamped to what may be taken); 0 removes it. Returns a new cart. */
export function setQuantity(cart: Cart, goods: CartGoods, quantity: number): Cart {
  const q = Math.max(0, Math.min(Math.floor(Number.isFinite(quantity) ? quantity : 0), maxQuantity(goods)));
  const rest = cart.filter((l) => l.goods.id !== goods.id);
  if (q === 0) return rest;
  const idx = cart.findIndex((l) => l.goods.id === goods.id);
  const line = { goods, quantity: q };
  if (idx === -1) return [...cart, line];
  const next = [...cart];
  next[idx] = line;
  return next;
}

export function addOne(cart: Cart, goods: CartGoods): Cart {
  return setQuantity(cart, goods, quantityOf(cart, goods.id) + 1);
}

export function removeOne(cart: Cart, goods: CartGoods): Cart {
  return setQuantity(cart, goods, quantityOf(cart, goods.id) - 1);
}

export function cartTotal(cart: Cart): number {
  return cart.reduce((sum, l) => sum + l.goods.price * l.quantity, 0);
}

export function cartCount(cart: Cart): number {
  return cart.reduce((sum, l) => sum + l.quantity, 0);
}

export type CartProblem = 'empty' | 'insufficient_points' | 'insufficient_stock' | 'limit_exceeded';

/** Checks the cart against the balance before sending; the server checks again inside its transaction. */
export function cartProblem(cart: Cart, balance: number): CartProblem | null {
  if (cart.length === 0) return 'empty';
  for (const l of cart) {
    if (l.quantity > l.goods.stock) return 'insufficient_stock';
    if (l.goods.remainingLimit !== null && l.quantity > l.goods.remainingLimit) return 'limit_exceeded';
  }
  if (cartTotal(cart) > balance) return 'insufficient_points';
  return null;
}

/** The redemption body's items, in a stable order so a retry sends byte-for-byte the same request. */
export function cartItems(cart: Cart): { goodsId: number; quantity: number }[] {
  return cart.map((l) => ({ goodsId: l.goods.id, quantity: l.quantity })).sort((a, b) => a.goodsId - b.goodsId);
}

/**
 * One idempotency key per intended redemption. The same body gets the same key until it succeeds,
 * so a retry after a dropped connection is answered from the server's record instead of charging twice;
 * a changed cart is a new redemption and gets a new key.
 */
export class CheckoutKeys {
  private key: string | null = null;
  private body: string | null = null;

  constructor(private readonly makeKey: () => string) {}

  keyFor(body: unknown): string {
    const serial = JSON.stringify(body);
    if (this.key === null || this.body !== serial) {
      this.key = this.makeKey();
      this.body = serial;
    }
    return this.key;
  }

  /** After a definite answer (success, or a refusal that will not change on retry). */
  settle(): void {
    this.key = null;
    this.body = null;
  }
}
