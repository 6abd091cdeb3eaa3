// jsdom ships no types and @types/jsdom is not installed: the little the chart tests use of it.
declare module 'jsdom' {
  export interface DomWindow {
    document: { createElement(tag: 'textarea'): { innerHTML: string; value: string } };
  }
  export class JSDOM {
    constructor(html: string);
    readonly window: DomWindow;
  }
}
