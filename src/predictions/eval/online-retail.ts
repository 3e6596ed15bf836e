import { createReadStream } from "node:fs";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import { parse } from "csv-parse";
import type { OrderRecord } from "../features/feature-vector";

/** One invoice of a customer (purchase lines merged; a cancellation is a refund). */
export interface RetailInvoice extends OrderRecord {
  customer: string;
  invoice: string;
  country: string;
}

/** Wall-clock "YYYY-MM-DD HH:MM:SS" (the shop's local time) read as UTC, so hour-of-week needs no zone. */
export function parseRetailDate(text: string): number {
  return Date.UTC(+text.slice(0, 4), +text.slice(5, 7) - 1, +text.slice(8, 10), +text.slice(11, 13), +text.slice(14, 16), +text.slice(17, 19));
}

/**
 * Streams the UCI Online Retail CSV (gzip) into invoices per customer. Purchases keep rows with a
 * customer, Quantity > 0, UnitPrice > 0 and no "C" prefix; "C" invoices become refunds.
 */
export async function loadOnlineRetail(datasetDir: string): Promise<Map<string, RetailInvoice[]>> {
  const invoices = new Map<string, RetailInvoice>();
  const parser = createReadStream(join(datasetDir, "online_retail.csv.gz")).pipe(createGunzip()).pipe(parse({ columns: true, relax_quotes: true }));
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    const customer = row.CustomerID;
    if (!customer) continue;
    const quantity = Number(row.Quantity);
    const price = Number(row.UnitPrice);
    const refund = row.InvoiceNo.startsWith("C");
    if (!refund && (quantity <= 0 || price <= 0 || !/^\d/.test(row.InvoiceNo))) continue;
    if (refund && (quantity >= 0 || price <= 0)) continue;
    let invoice = invoices.get(row.InvoiceNo);
    if (!invoice) {
      invoice = { customer, invoice: row.InvoiceNo, country: row.Country, at: parseRetailDate(row.InvoiceDate), revenue: 0, refund, items: [], units: 0 };
      invoices.set(row.InvoiceNo, invoice);
    }
    invoice.revenue += quantity * price;
    invoice.units += Math.abs(quantity);
    if (!invoice.items.includes(row.StockCode)) invoice.items.push(row.StockCode);
  }
  const byCustomer = new Map<string, RetailInvoice[]>();
  for (const invoice of invoices.values()) {
    const list = byCustomer.get(invoice.customer) ?? [];
    list.push(invoice);
    byCustomer.set(invoice.customer, list);
  }
  for (const list of byCustomer.values()) list.sort((a, b) => a.at - b.at);
  return byCustomer;
}
