// Values the workers project's global setup provides to tests (see fake-exchange-global-setup.ts).

declare module "vitest" {
  export interface ProvidedContext {
    fakeExchangeUrl: string;
  }
}

export {};
