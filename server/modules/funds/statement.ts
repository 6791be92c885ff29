// The valuation lives with the books (db/funds/fifo.ts) so month closes and verify compute it the same way.
export { sumFunds, valueStock, type FundFigures, type StockFigures } from '../../../db/funds/fifo';
