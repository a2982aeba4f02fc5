import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { SchoolSector } from './school-sector';

/** One school location (BRIN + vestiging). Mandates and transfers refer to it. */
@Entity({ name: 'schools' })
@Unique('uq_schools_brin_vestiging', ['brin', 'vestiging'])
export class SchoolEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'char', length: 4 })
  brin!: string;

  @Column({ type: 'char', length: 2 })
  vestiging!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 3 })
  sector!: SchoolSector;

  /** The DUO number (5 digits) of the school board that runs the school; board auditors see by it. */
  @Column({ name: 'bevoegd_gezag', type: 'char', length: 5 })
  bevoegdGezag!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
