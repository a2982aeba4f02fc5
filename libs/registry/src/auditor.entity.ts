import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An auditor: read-only access to the log. A board auditor (a school board's privacy officer) sees the
 * schools of its `boards` (bevoegd-gezag numbers); a supervisory auditor (the inspectorate, the AP) sees
 * every school. The registry keeps exactly one of the two (see `auditorScope`).
 */
@Entity({ name: 'auditors' })
export class AuditorEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  name!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  boards!: string[];

  @Column({ type: 'boolean', default: false })
  supervisory!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
