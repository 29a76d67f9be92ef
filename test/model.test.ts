import { beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../codegen/config.js";
import { type LoadedContracts, loadContracts } from "../codegen/load/index.js";
import type { FieldDecl, MessageDecl } from "../codegen/model/types.js";
import { ROOT } from "./helpers.js";

let loaded: LoadedContracts;
beforeAll(async () => {
  loaded = await loadContracts(resolveConfig(ROOT));
});

function message(name: string): MessageDecl {
  const decl = loaded.model.decls.get(name);
  if (decl?.kind !== "message") throw new Error(`${name} is not a message`);
  return decl;
}
function field(msg: string, name: string): FieldDecl {
  const f = message(msg).fields.find((x) => x.name === name);
  if (!f) throw new Error(`${msg}.${name} missing`);
  return f;
}

describe("contract model of the example contracts", () => {
  it("has the four proto services and the JSON Schema service with their methods", () => {
    const services = Object.fromEntries(
      [...loaded.model.services.values()].map((s) => [s.fullName, s.methods.map((m) => m.name)]),
    );
    expect(services).toEqual({
      "shop.user.v1.UserService": ["Register", "Login", "GetProfile"],
      "shop.order.v1.OrderService": ["CreateOrder", "GetOrder", "ListOrders"],
      "shop.payment.v1.PaymentService": ["Pay", "Refund", "GetPayment"],
      "shop.inventory.v1.InventoryService": ["Reserve", "Release"],
      "shop.stats.v1.StatsService": ["TrackEvent", "GetDailyReport"],
    });
  });

  it.each([
    ["shop.order.v1.Order", "id", { kind: "scalar", scalar: "uint64" }],
    [
      "shop.order.v1.Order",
      "metadata",
      { kind: "map", key: "string", value: { kind: "scalar", scalar: "string" } },
    ],
    ["shop.order.v1.Order", "created_at", { kind: "message", ref: "google.protobuf.Timestamp" }],
    [
      "shop.inventory.v1.ReserveRequest",
      "lines",
      { kind: "map", key: "int64", value: { kind: "message", ref: "shop.inventory.v1.ReservationLine" } },
    ],
    ["shop.inventory.v1.ReserveRequest", "hold_for", { kind: "message", ref: "google.protobuf.Duration" }],
    [
      "shop.stats.v1.TrackEventRequest",
      "userId",
      { kind: "nullable", type: { kind: "scalar", scalar: "integer", constraints: { minimum: 1 } } },
    ],
    [
      "shop.stats.v1.TrackEventRequest",
      "attributes",
      {
        kind: "map",
        key: "string",
        value: { kind: "scalar", scalar: "string", constraints: { maxLength: 256 } },
      },
    ],
    ["shop.stats.v1.AddToCart", "unitPrice", { kind: "message", ref: "shop.shared.v1.Money" }],
  ])("%s.%s has type %j", (msg, name, type) => {
    expect(field(msg, name).type).toEqual(type);
  });

  it("keeps the payment method oneof, proto3 optional presence and json names", () => {
    const pay = message("shop.payment.v1.PayRequest");
    expect(pay.oneofs.map((o) => [o.name, o.fields])).toEqual([
      ["method", ["card", "bank_transfer", "wallet"]],
    ]);
    expect(field("shop.order.v1.CreateOrderRequest", "coupon_code").presence).toBe("explicit");
    expect(field("shop.order.v1.Order", "user_id").jsonName).toBe("userId");
  });

  it("lowers the discriminated oneOf into a union with tags", () => {
    const union = loaded.model.decls.get("shop.stats.v1.TrackEventRequestEvent");
    expect(union?.kind).toBe("union");
    if (union?.kind !== "union") return;
    expect(union.discriminator).toBe("kind");
    expect(union.members.map((m) => m.tag)).toEqual(["page_view", "add_to_cart", "checkout"]);
  });

  it("records docs and source locations (proto file:line, JSON Schema file#pointer)", () => {
    const order = message("shop.order.v1.Order");
    expect(order.doc).toBe("A customer order.");
    expect(order.location.file).toBe("contracts/proto/shop/order/v1/order.proto");
    expect(order.location.line).toBeGreaterThan(1);
    const event = field("shop.stats.v1.TrackEventRequest", "event");
    expect(event.location).toEqual({
      file: "contracts/jsonschema/shop/stats/v1/track_event_request.schema.json",
      pointer: "/properties/event",
    });
  });

  it("marks idempotency from proto options and manifests", () => {
    const idem = (svc: string, m: string) =>
      loaded.model.services.get(svc)?.methods.find((x) => x.name === m)?.idempotency;
    expect(idem("shop.order.v1.OrderService", "GetOrder")).toBe("no_side_effects");
    expect(idem("shop.order.v1.OrderService", "CreateOrder")).toBe("unknown");
    expect(idem("shop.stats.v1.StatsService", "GetDailyReport")).toBe("no_side_effects");
  });
});
