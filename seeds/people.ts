import { withIdChecksum } from '../server/lib/identity';
import { eraOf, GIVEN_NAMES, SURNAMES } from './data';
import { Random, Weighted } from './random';

export interface Person {
  name: string;
  relation: 'head' | 'spouse' | 'child' | 'parent' | 'grandchild' | 'other';
  idNumber: string;
  phone: string | null;
  isProxy: boolean;
  birthYear: number;
}

const nationalSurnames = new Weighted(SURNAMES);
const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157', '158', '159', '166', '177', '180', '182', '186', '187', '188', '189', '191', '199'];

/** Makes people for one county: unique ID numbers with valid check characters, names by era and clan. */
export class PeopleFactory {
  private readonly usedIds = new Set<string>();

  constructor(
    private readonly rng: Random,
    /** Six-digit administrative code the ID numbers start with. */
    private readonly regionCode: string,
  ) {}

  surname(clans: readonly string[]): string {
    // Villages are often dominated by one or two clans (杨家湾 is mostly 杨).
    return clans.length && this.rng.chance(0.35) ? this.rng.pick(clans) : nationalSurnames.pick(this.rng);
  }

  name(surname: string, male: boolean, birthYear: number): string {
    const pool = GIVEN_NAMES[eraOf(birthYear)][male ? 'male' : 'female'];
    return surname + this.rng.pick(pool);
  }

  idNumber(birthYear: number, male: boolean): string {
    for (;;) {
      const month = this.rng.int(1, 12);
      const day = this.rng.int(1, new Date(Date.UTC(birthYear, month, 0)).getUTCDate());
      // The 17th digit is odd for men and even for women.
      const seq = `${this.rng.digits(2)}${2 * this.rng.int(0, 4) + (male ? 1 : 0)}`;
      const id = withIdChecksum(`${this.regionCode}${birthYear}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${seq}`);
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }

  mobile(): string {
    return this.rng.pick(MOBILE_PREFIXES) + this.rng.digits(8);
  }

  /** A household of 1–6 people: head, usually a spouse, children, sometimes the head's parents or a grandchild. */
  household(clans: readonly string[], thisYear: number): Person[] {
    const rng = this.rng;
    const surname = this.surname(clans);
    const headBirth = rng.int(thisYear - 85, thisYear - 26);
    const headMale = rng.chance(headBirth < thisYear - 70 ? 0.7 : 0.88);
    const headAge = thisYear - headBirth;
    const people: Person[] = [];
    const add = (name: string, relation: Person['relation'], birthYear: number, male: boolean, phoneP: number) =>
      people.push({ name, relation, idNumber: this.idNumber(birthYear, male), phone: rng.chance(phoneP) ? this.mobile() : null, isProxy: false, birthYear });
    add(this.name(surname, headMale, headBirth), 'head', headBirth, headMale, headAge > 72 ? 0.35 : 0.85);
    const single = rng.chance(headAge > 70 ? 0.35 : 0.1);
    if (!single) {
      const spouseBirth = headBirth + rng.int(-2, 4);
      add(this.name(this.surname([]), !headMale, spouseBirth), 'spouse', spouseBirth, !headMale, 0.5);
    }
    const children = headAge < 30 ? rng.int(0, 1) : rng.int(0, 3);
    for (let i = 0; i < children && people.length < 6; i++) {
      const birth = Math.min(thisYear - 1, headBirth + rng.int(22, 36));
      const male = rng.chance(0.52);
      add(this.name(surname, male, birth), 'child', birth, male, thisYear - birth >= 18 ? 0.9 : 0);
    }
    if (headAge < 55 && people.length < 6 && rng.chance(0.35)) {
      const birth = headBirth - rng.int(24, 32);
      add(this.name(surname, false, birth), 'parent', birth, false, 0.2);
      if (people.length < 6 && rng.chance(0.5)) add(this.name(surname, true, birth - 2), 'parent', birth - 2, true, 0.2);
    }
    if (headAge > 60 && people.length < 6 && rng.chance(0.3)) {
      const birth = Math.min(thisYear - 1, headBirth + rng.int(45, 60));
      const male = rng.chance(0.5);
      add(this.name(surname, male, birth), 'grandchild', birth, male, 0);
    }
    // Elderly heads name an adult child (often away working) or a helper who may redeem for them.
    if (headAge > 68 && rng.chance(0.5)) {
      const adult = people.find((p) => p.relation === 'child' && thisYear - p.birthYear >= 18);
      if (adult) adult.isProxy = true;
      else if (people.length < 6) {
        const birth = thisYear - rng.int(30, 55);
        add(this.name(this.surname(clans), true, birth), 'other', birth, true, 1);
        people[people.length - 1].isProxy = true;
      }
    }
    return people;
  }
}
