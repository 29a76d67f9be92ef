/**
 * The shop's business rules over plain ProtoJSON / JSON Schema values — the TypeScript twin of
 * `../php/Shop.php`. Every rule, message and computed value here has its counterpart there; keep them in
 * step (the differential test compares both implementations call by call).
 */
import { readFileSync } from "node:fs";
import { Code, ConnectError } from "@connectrpc/connect";

// biome-ignore lint/suspicious/noExplicitAny: state and messages are plain JSON values
type J = any;

const NANOS = 1_000_000_000n;

/** Reads `seed.json` and returns a fresh state. */
export function loadSeed(file: string): J {
  return JSON.parse(readFileSync(file, "utf8"));
}

function fail(code: Code, message: string): never {
  throw new ConnectError(message, code);
}

function toNanos(m: J): bigint {
  return BigInt(m?.units ?? "0") * NANOS + BigInt(m?.nanos ?? 0);
}

/** Money from a request in nanos; units beyond ±9·10⁹ (where PHP's 64-bit nanos would overflow) are refused. */
function requestNanos(m: J, field: string): bigint {
  const units = BigInt(m?.units ?? "0");
  if (units > 9_000_000_000n || units < -9_000_000_000n) fail(Code.InvalidArgument, `${field}.units: out of range`);
  return toNanos(m);
}

function money(currencyCode: string, n: bigint): J {
  return { currencyCode, units: String(n / NANOS), nanos: Number(n % NANOS) };
}

/** Seconds since the epoch of an RFC 3339 timestamp (whole seconds). */
function epoch(ts: string): number {
  return Math.floor(Date.parse(ts) / 1000);
}

function isoSeconds(sec: number): string {
  return new Date(sec * 1000).toISOString().replace(".000Z", "Z");
}

function utcDay(ts: string): string {
  return new Date(Date.parse(ts)).toISOString().slice(0, 10);
}

function pad4(n: number): string {
  return String(n).padStart(4, "0");
}

function publicUser(u: J): J {
  const { password: _password, ...rest } = u;
  return rest;
}

/** The shop over one state object; `now` is the fixed clock (RFC 3339, UTC). */
export class Shop {
  readonly state: J;
  readonly now: string;

  constructor(state: J, now: string) {
    this.state = state;
    this.now = now;
  }

  private next(counter: string): number {
    const n = this.state.counters[counter];
    this.state.counters[counter] = n + 1;
    return n;
  }

  private sku(skuId: string): J {
    return this.state.skus.find((s: J) => s.skuId === skuId) ?? fail(Code.NotFound, `sku ${skuId} not found`);
  }

  private order(orderId: string): J {
    return this.state.orders.find((o: J) => o.id === orderId) ?? fail(Code.NotFound, `order ${orderId} not found`);
  }

  // --- UserService ---------------------------------------------------------------------------------

  register(req: J): J {
    const email = String(req.email ?? "");
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) fail(Code.InvalidArgument, "email: not a valid email address");
    if ([...String(req.password ?? "")].length < 12) fail(Code.InvalidArgument, "password: at least 12 characters");
    if (String(req.displayName ?? "") === "") fail(Code.InvalidArgument, "displayName: must not be empty");
    if (this.state.users.some((u: J) => u.email.toLowerCase() === email.toLowerCase()))
      fail(Code.AlreadyExists, `email ${email} is already registered`);
    const user: J = {
      id: String(this.next("user")),
      email,
      password: req.password,
      displayName: req.displayName,
      role: "USER_ROLE_CUSTOMER",
      emailVerified: false,
      labels: req.referralCode === undefined ? {} : { referral: req.referralCode },
      createdAt: this.now,
    };
    this.state.users.push(user);
    return { user: publicUser(user), accessToken: `access-${user.id}` };
  }

  login(req: J): J {
    const email = String(req.email ?? "").toLowerCase();
    const user = this.state.users.find((u: J) => u.email.toLowerCase() === email && u.password === req.password);
    if (!user) fail(Code.Unauthenticated, "wrong email or password");
    const device = req.deviceName ?? "unknown device";
    return {
      accessToken: `access-${user.id}`,
      refreshToken: `refresh-${user.id}-${device.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase()}`,
      expiresIn: "3600s",
      user: publicUser(user),
    };
  }

  getProfile(req: J): J {
    const id = String(req.userId ?? "0");
    const user = this.state.users.find((u: J) => u.id === id) ?? fail(Code.NotFound, `user ${id} not found`);
    return { user: publicUser(user) };
  }

  // --- OrderService --------------------------------------------------------------------------------

  createOrder(req: J): J {
    const userId = String(req.userId ?? "0");
    const items: J[] = req.items ?? [];
    if (items.length === 0) fail(Code.InvalidArgument, "items: an order needs at least one item");
    if (!this.state.users.some((u: J) => u.id === userId)) fail(Code.NotFound, `user ${userId} not found`);
    const wanted = new Map<string, number>();
    const lines: J[] = items.map((item: J, i: number) => {
      const quantity = item.quantity ?? 0;
      if (quantity < 1) fail(Code.InvalidArgument, `items[${i}].quantity: must be at least 1`);
      const sku = this.sku(String(item.skuId ?? "0"));
      wanted.set(sku.skuId, (wanted.get(sku.skuId) ?? 0) + quantity);
      const line: J = { skuId: sku.skuId, quantity, unitPrice: sku.unitPrice, productName: sku.productName };
      if (item.attributes !== undefined) line.attributes = item.attributes;
      return line;
    });
    for (const [skuId, quantity] of wanted) {
      const sku = this.sku(skuId);
      if (sku.stock < quantity)
        fail(Code.FailedPrecondition, `sku ${skuId}: ${quantity} wanted, ${sku.stock} in stock`);
    }
    for (const [skuId, quantity] of wanted) this.sku(skuId).stock -= quantity;
    let total = lines.reduce((sum: bigint, l: J) => sum + toNanos(l.unitPrice) * BigInt(l.quantity), 0n);
    if (req.couponCode !== undefined) {
      if (req.couponCode !== "WELCOME10") fail(Code.InvalidArgument, `couponCode: unknown coupon ${req.couponCode}`);
      total -= total / 10n;
    }
    const order: J = {
      id: String(this.next("order")),
      userId,
      items: lines,
      status: "ORDER_STATUS_PENDING",
      total: money("EUR", total),
      metadata: req.metadata ?? {},
      createdAt: this.now,
    };
    if (req.shippingAddress !== undefined) order.shippingAddress = req.shippingAddress;
    if (req.couponCode !== undefined) order.couponCode = req.couponCode;
    if (req.note !== undefined) order.note = req.note;
    this.state.orders.push(order);
    return { order };
  }

  getOrder(req: J): J {
    return { order: this.order(String(req.orderId ?? "0")) };
  }

  listOrders(req: J): J {
    const pageSize = req.pageSize ?? 0;
    if (pageSize < 0 || pageSize > 100) fail(Code.InvalidArgument, "pageSize: must be between 0 and 100");
    const token = req.pageToken ?? "";
    if (token !== "" && !/^[1-9][0-9]{0,5}$/.test(token)) fail(Code.InvalidArgument, "pageToken: not a token of this server");
    const offset = token === "" ? 0 : Number(token);
    const userId = String(req.userId ?? "0");
    const statuses: string[] = req.statuses ?? [];
    const matching = this.state.orders
      .filter((o: J) => (userId === "0" || o.userId === userId) && (statuses.length === 0 || statuses.includes(o.status)))
      .sort((a: J, b: J) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    const size = pageSize === 0 ? 20 : pageSize;
    const page = matching.slice(offset, offset + size);
    const end = offset + size;
    return {
      orders: page,
      nextPageToken: end < matching.length ? String(end) : "",
      totalSize: String(matching.length),
    };
  }

  // --- PaymentService ------------------------------------------------------------------------------

  private payment(paymentId: string): J {
    return (
      this.state.payments.find((p: J) => p.id === paymentId) ?? fail(Code.NotFound, `payment ${paymentId} not found`)
    );
  }

  private publicPayment(p: J): J {
    const { idempotencyKey: _key, ...rest } = p;
    return rest;
  }

  pay(req: J): J {
    const key = req.idempotencyKey ?? "";
    if (key === "") fail(Code.InvalidArgument, "idempotencyKey: required");
    const again = this.state.payments.find((p: J) => p.idempotencyKey === key);
    if (again) return { payment: this.publicPayment(again) };
    const order = this.order(String(req.orderId ?? "0"));
    let fraudScore: number;
    let declined = false;
    if (req.card !== undefined) {
      fraudScore = 0.125;
      declined = req.card.token === "tok_declined";
    } else if (req.bankTransfer !== undefined) {
      fraudScore = 0.05;
    } else if (req.wallet !== undefined) {
      if ((req.wallet.provider ?? "WALLET_PROVIDER_UNSPECIFIED") === "WALLET_PROVIDER_UNSPECIFIED")
        fail(Code.InvalidArgument, "wallet.provider: required");
      fraudScore = 0.25;
    } else {
      fail(Code.InvalidArgument, "method: a payment method is required");
    }
    if (order.status !== "ORDER_STATUS_PENDING") fail(Code.FailedPrecondition, `order ${order.id} is not pending`);
    const amount = req.amount ?? {};
    if (amount.currencyCode !== order.total.currencyCode || requestNanos(amount, "amount") !== toNanos(order.total))
      fail(Code.InvalidArgument, "amount: must equal the order total");
    const id = `pay-${pad4(this.next("payment"))}`;
    const captured = !declined && (req.capture ?? false);
    const payment: J = {
      id,
      orderId: order.id,
      amount: order.total,
      status: declined ? "PAYMENT_STATUS_DECLINED" : captured ? "PAYMENT_STATUS_CAPTURED" : "PAYMENT_STATUS_AUTHORIZED",
      captured,
      fraudScore: declined ? 0.875 : fraudScore,
      receiptSignature: Buffer.from(`receipt:${id}`).toString("base64"),
      refunds: [],
      createdAt: this.now,
      idempotencyKey: key,
    };
    if (captured) {
      payment.capturedAt = this.now;
      order.status = "ORDER_STATUS_PAID";
    }
    this.state.payments.push(payment);
    return { payment: this.publicPayment(payment) };
  }

  refund(req: J): J {
    const payment = this.payment(String(req.paymentId ?? ""));
    if (!payment.captured || payment.status === "PAYMENT_STATUS_REFUNDED")
      fail(Code.FailedPrecondition, `payment ${payment.id} has nothing to refund`);
    if (String(req.reason ?? "") === "") fail(Code.InvalidArgument, "reason: required");
    const refunded = payment.refunds.reduce((s: bigint, r: J) => s + toNanos(r.amount), 0n);
    const remaining = toNanos(payment.amount) - refunded;
    let amount = remaining;
    if (req.amount !== undefined) {
      if (req.amount.currencyCode !== payment.amount.currencyCode)
        fail(Code.InvalidArgument, "amount.currencyCode: must be the payment's currency");
      amount = requestNanos(req.amount, "amount");
      if (amount <= 0n) fail(Code.InvalidArgument, "amount: must be positive");
      if (amount > remaining) fail(Code.FailedPrecondition, `amount: only ${money("EUR", remaining).units} units left to refund`);
    }
    const refund = {
      id: `ref-${pad4(this.next("refund"))}`,
      amount: money(payment.amount.currencyCode, amount),
      reason: req.reason,
      createdAt: this.now,
    };
    payment.refunds.push(refund);
    payment.status = amount === remaining ? "PAYMENT_STATUS_REFUNDED" : "PAYMENT_STATUS_PARTIALLY_REFUNDED";
    const order = this.state.orders.find((o: J) => o.id === payment.orderId);
    if (order && amount === remaining) order.status = "ORDER_STATUS_CANCELLED";
    return { payment: this.publicPayment(payment), refund };
  }

  getPayment(req: J): J {
    return { payment: this.publicPayment(this.payment(String(req.paymentId ?? ""))) };
  }

  // --- InventoryService ----------------------------------------------------------------------------

  reserve(req: J): J {
    const order = this.order(String(req.orderId ?? "0"));
    const requested: [string, J][] = Object.entries(req.lines ?? {});
    if (requested.length === 0) fail(Code.InvalidArgument, "lines: at least one line is required");
    let holdSeconds = 900;
    if (req.holdFor !== undefined) {
      const m = /^(-?[0-9]+)(\.[0-9]+)?s$/.exec(req.holdFor);
      holdSeconds = m ? Number(m[1]) : 0;
      if (holdSeconds < 1 || holdSeconds > 86400) fail(Code.InvalidArgument, "holdFor: between 1s and 86400s");
    }
    requested.sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
    const lines: J = {};
    const unavailable: string[] = [];
    for (const [skuId, line] of requested) {
      const quantity = line.quantity ?? 0;
      if (quantity < 1) fail(Code.InvalidArgument, `lines[${skuId}].quantity: must be at least 1`);
      const sku = this.sku(skuId);
      const held = Math.min(quantity, sku.stock);
      if (held < quantity && !(req.allowPartial ?? false))
        fail(Code.FailedPrecondition, `sku ${skuId}: ${quantity} wanted, ${sku.stock} in stock`);
      if (held < quantity) unavailable.push(skuId);
      if (held > 0) lines[skuId] = { quantity: held, warehouseId: line.warehouseId ?? "1" };
    }
    for (const [skuId, line] of Object.entries(lines)) this.sku(skuId).stock -= (line as J).quantity;
    const reservation = {
      reservationId: `res-${pad4(this.next("reservation"))}`,
      orderId: order.id,
      status: unavailable.length === 0 ? "RESERVATION_STATUS_HELD" : "RESERVATION_STATUS_PARTIALLY_HELD",
      lines,
      unavailableSkuIds: unavailable,
      expiresAt: isoSeconds(epoch(this.now) + holdSeconds),
    };
    this.state.reservations.push(reservation);
    return { reservation };
  }

  release(req: J): J {
    const id = String(req.reservationId ?? "");
    const reservation =
      this.state.reservations.find((r: J) => r.reservationId === id) ?? fail(Code.NotFound, `reservation ${id} not found`);
    if (reservation.status !== "RESERVATION_STATUS_RELEASED") {
      for (const [skuId, line] of Object.entries(reservation.lines)) this.sku(skuId).stock += (line as J).quantity;
      reservation.status = "RESERVATION_STATUS_RELEASED";
    }
    return { reservation };
  }

  // --- StatsService (JSON Schema) ------------------------------------------------------------------

  trackEvent(req: J): J {
    const total = req.event.kind === "checkout" ? req.event.total.amountMinor : 0;
    if (total > 1e12 || total < -1e12) fail(Code.InvalidArgument, "event.total.amountMinor: beyond ±10¹² is not accepted");
    const duplicate = this.state.events.some((e: J) => e.eventId === req.eventId);
    if (!duplicate) this.state.events.push(req);
    return { eventId: req.eventId, accepted: true, duplicate, receivedAt: this.now };
  }

  getDailyReport(req: J): J {
    const today = utcDay(this.now);
    if (req.date > today) fail(Code.FailedPrecondition, `date: ${req.date} has not started yet`);
    const kinds: string[] = req.kinds ?? ["page_view", "add_to_cart", "checkout"];
    const events = this.state.events.filter((e: J) => utcDay(e.occurredAt) === req.date);
    const eventCounts: J = {};
    for (const kind of kinds) eventCounts[kind] = events.filter((e: J) => e.event.kind === kind).length;
    const checkouts = events.filter((e: J) => e.event.kind === "checkout" && e.event.total.currency === "EUR");
    const revenue = checkouts.reduce((s: number, e: J) => s + e.event.total.amountMinor, 0);
    const sessions = new Set(events.map((e: J) => e.sessionId));
    const buying = new Set(checkouts.map((e: J) => e.sessionId));
    const skus = new Map<number, J>();
    const stat = (skuId: number): J => {
      let s = skus.get(skuId);
      if (!s) {
        s = { skuId, views: 0, addToCarts: 0, unitsSold: 0, revenue: { currency: "EUR", amountMinor: 0 } };
        skus.set(skuId, s);
      }
      return s;
    };
    for (const e of events) {
      const m = e.event.kind === "page_view" ? /^\/products\/([1-9][0-9]{0,8})$/.exec(e.event.path) : null;
      if (m) stat(Number(m[1])).views += 1;
      if (e.event.kind === "add_to_cart") stat(e.event.skuId).addToCarts += 1;
    }
    for (const o of this.state.orders) {
      if (utcDay(o.createdAt) !== req.date || o.status === "ORDER_STATUS_PENDING" || o.status === "ORDER_STATUS_CANCELLED")
        continue;
      for (const item of o.items) {
        const s = stat(Number(item.skuId));
        s.unitsSold += item.quantity;
        s.revenue.amountMinor += Number((toNanos(item.unitPrice) * BigInt(item.quantity)) / 10_000_000n);
      }
    }
    const topSkus = [...skus.values()]
      .sort((a, b) => b.revenue.amountMinor - a.revenue.amountMinor || a.skuId - b.skuId)
      .slice(0, req.topSkuLimit ?? 10);
    return {
      date: req.date,
      timezone: req.timezone ?? "UTC",
      eventCounts,
      revenue: { currency: "EUR", amountMinor: revenue },
      conversionRate: sessions.size === 0 ? 0 : buying.size / sessions.size,
      // Absent rather than null without checkouts: the PHP DTO writes no key for a null optional property.
      ...(checkouts.length === 0 ? {} : { averageOrderValueMinor: Math.floor(revenue / checkouts.length) }),
      topSkus,
      complete: req.date < today,
      generatedAt: this.now,
    };
  }
}
