/** Maps strings to dense small integers (0, 1, 2…) and back, so hot loops key by number. */
export class Interner {
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  id(key: string): number {
    const id = this.ids.get(key);
    return id !== undefined ? id : this.add(key);
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
