import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TEXT_LIMITS } from '../db/text-limits';

/** A barcode (EAN, UPC, a shop's own code) of a product; one product per code and merchant. */
@Entity('product_barcodes')
export class ProductBarcode {
  @PrimaryColumn({ name: 'merchant_id', type: 'varchar', length: 36 })
  merchantId: string;

  @PrimaryColumn({ type: 'varchar', length: TEXT_LIMITS.productCode })
  barcode: string;

  @Column({ name: 'product_id', type: 'varchar', length: 36 })
  productId: string;
}
