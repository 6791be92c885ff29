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

  /** The key and body of a redemption sent without a definite answer yet, to keep across a reload. */
  pending(): { key: string; body: string } | null {
    return this.key !== null && this.body !== null ? { key: this.key, body: this.body } : null;
  }

  /** Takes back a pending key after a reload, so finishing that redemption reuses it. */
  restore(p: { key: string; body: string } | null): void {
    this.key = p?.key ?? null;
    this.body = p?.body ?? null;
  }
}

/**
 * The checkout in progress, kept in the phone's storage so a reload, Back or a crashed browser never
 * loses it: who was identified, the cart, and the key of a redemption sent but not yet answered (the
 * counter finishes that one with the same key instead of charging again). Kept for 15 minutes at most.
 */
export interface SavedCheckout<L> {
  v: 1;
  savedAt: number;
  code: string;
  pin: string;
  lookup: L;
  cart: Cart;
  pending: { key: string; body: string } | null;
}

const CHECKOUT_KEY = 'jifen.counter.checkout';
const CHECKOUT_TTL_MS = 15 * 60_000;

export function saveCheckout<L>(store: Pick<Storage, 'setItem'>, c: Omit<SavedCheckout<L>, 'v' | 'savedAt'>, now = Date.now()): void {
  try {
    store.setItem(CHECKOUT_KEY, JSON.stringify({ v: 1, savedAt: now, ...c }));
  } catch {
    // Storage full or disabled (private mode): the counter still works, only without surviving a reload.
  }
}

export function loadCheckout<L>(store: Pick<Storage, 'getItem'>, now = Date.now()): SavedCheckout<L> | null {
  try {
    const raw = store.getItem(CHECKOUT_KEY);
    if (!raw) return null;
    const c = JSON.parse(raw) as SavedCheckout<L>;
    if (c.v !== 1 || typeof c.savedAt !== 'number' || !Array.isArray(c.cart)) return null;
    // A pending redemption is always finished (it may have charged); an idle cart goes stale.
    if (!c.pending && now - c.savedAt > CHECKOUT_TTL_MS) return null;
    return c;
  } catch {
    return null;
  }
}

export function clearCheckout(store: Pick<Storage, 'removeItem'>): void {
  try {
    store.removeItem(CHECKOUT_KEY);
  } catch {
    // Nothing kept, nothing to clear.
  }
}

/** Typed digits as people read them: "28 1234 5678 9012 3456" for a phone code, "9123 4567 8901" for a card. */
export function groupTyped(digits: string): string {
  const d = digits.replace(/\D/g, '');
  if (d.startsWith('28')) return [d.slice(0, 2), ...(d.slice(2).match(/.{1,4}/g) ?? [])].join(' ');
  return (d.match(/.{1,4}/g) ?? []).join(' ');
}
