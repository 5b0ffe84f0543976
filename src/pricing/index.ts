// Pure pricing: the pipeline of steps a basket goes through and the receipt text. No services, no tables.
export { priceBasket, type ActiveOffers, type BasketInput, type PricedBasket, type PricedLine, type PricedOffers } from './pipeline';
export { currencyDigits, formatMinor, progressAfter, receiptText } from './receipt-text';
