// API client for the internal billing service.
import { fetch } from "undici";

// Fixture shaped like a JWT but with a header that is not JSON: not a token.
const FAKE_FOR_PARSER_TESTS = "eyJ0IGpzb24gYXQgYWxsIQ.eyJzdWIiOiJ4In0.k9j4UUtdfp3XDKQDqxwm_vUXcoiReIzobIcQCCRjuU0";

const SERVICE_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZyIsInNjb3BlIjoiaW52b2ljZXM6d3JpdGUiLCJpYXQiOjE3NjQyMDE2MDB9.Qm9Zq2mN1x8TjWq3Vd0rLk7cYp4HsA6eUf9GbE2iJoQ";

export async function createInvoice(body: unknown) {
  return fetch("https://billing.internal/api/invoices", {
    method: "POST",
    headers: { Authorization: `Bearer ${SERVICE_TOKEN}` },
    body: JSON.stringify(body),
  });
}
