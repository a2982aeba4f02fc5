import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A LAS vendor: talks to the broker machine-to-machine on behalf of the schools that mandated it. */
@Entity({ name: 'vendors' })
export class VendorEntity {
  /** A short stable slug chosen at registration (e.g. `parnassys-demo`); appears in certificates. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Where the broker notifies the vendor (HTTPS only, no credentials); null: the vendor polls its inbox. */
  @Column({ name: 'webhook_url', type: 'varchar', length: 2048, nullable: true })
  webhookUrl!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
