import { randomBytes } from 'node:crypto';
import type { Principal } from '../../../src/http/principal';
import type { Member } from '../../../src/members/member.entity';
import { PointLot } from '../../../src/points/point-lot.entity';
import { DEFAULT_RULES, type Program, type ProgramRules } from '../../../src/rules/program.schemas';
import type { MerchantFixture } from '../../support/factories';
import type { TestRuntime } from '../../support/test-runtime';

/** Shared set-up for the points and rules suites: members through the members service, programs built in memory. */
export function ownerOf(fx: MerchantFixture): Principal {
  return { kind: 'staff', merchantId: fx.merchant.id, userId: fx.owner.id, role: 'owner', storeIds: null };
}

export function managerOf(fx: MerchantFixture): Principal {
  return { kind: 'staff', merchantId: fx.merchant.id, userId: fx.manager.id, role: 'manager', storeIds: null };
}

export async function enrolMember(rt: TestRuntime, fx: MerchantFixture): Promise<Member> {
  const { member } = await rt.services.members.enrol(ownerOf(fx), { firstName: 'Ann', email: `ann-${randomBytes(4).toString('hex')}@example.test` }, 'back-office');
  return member;
}

export function programWith(rules: Partial<ProgramRules>, timeZone = 'UTC'): Program {
  return { ...DEFAULT_RULES, ...rules, version: 1, effectiveFrom: new Date(0), timeZone };
}

export async function lotsOf(rt: TestRuntime, merchantId: string, memberId: string): Promise<PointLot[]> {
  return rt.db.manager.find(PointLot, { where: { merchantId, memberId }, order: { id: 'ASC' } });
}
