/** The Tally POS plugin: terminal SDK, offline journal, scanner helper and bridge. */
export { TallyTerminal, newIdempotencyKey, type TallyTerminalOptions, type CommitPurchaseInput, type CommitOutcome } from './terminal';
export { OfflineJournal, type JournalEntry, type JournalStatus, type JournalSummary } from './journal';
export { backoffMs, type ReplayReport } from './replay';
export { ScannerInput, type ScannerOptions } from './scanner';
export { checkCardCode, ean13CheckDigit, isValidEan13, type CardCodeCheck } from './card-code';
export { InvalidCardCodeError, OfflineOfferRefusedError, OfflineRedemptionError, TallyApiError, TallyUnavailableError } from './errors';
export { priceOffline, type KeptOfferSet, type OfferSet, type OfflineOffers } from './offline-offers';
export { createBridgeServer, listenBridge } from './bridge/http-bridge';
export { DropFolderWatcher, type DropEvent, type DropFolderOptions } from './bridge/drop-folder';
export { readReceiptFile, fileReceiptKey, ReceiptFileError, CSV_COLUMNS, type FileReceipt } from './receipt-file';
export { parseScaled } from './decimal';
// Offline pricing: the offer engine the server's pipeline runs, the same code (docs/offers.md).
export { applyOffers, definitionProblem, SKIP_REASONS } from '../../offer-engine';
export type * from '../../offer-engine/types';
export type * from './api-types';
