/** Maps strings to dense small integers (0, 1, 2…) and back, so hot loops key by number. */
export class Interner {
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  /** Id of text[s, e). A new string is copied flat so the key does not pin the whole chunk in memory. */
  idOf(text: string, s: number, e: number): number {
    const key = text.slice(s, e);
    const id = this.ids.get(key);
    if (id !== undefined) return id;
    return this.add(flatCopy(key));
  }

  id(key: string): number {
    const id = this.ids.get(key);
    return id !== undefined ? id : this.add(flatCopy(key));
  }

  get size(): number {
    return this.strings.length;
  }

  private add(key: string): number {
    const id = this.strings.length;
    this.strings.push(key);
    this.ids.set(key, id);
    return id;
  }
}

/** A copy of `s` that shares no memory with the string it was sliced from. */
export function flatCopy(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}
