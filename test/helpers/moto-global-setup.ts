// Starts one moto_server (a local AWS emulator) on a free loopback port for the whole test run, and stops it after.
import type { TestProject } from 'vitest/node';
import { startMoto, type Moto } from '../../local/moto.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

let moto: Moto | undefined;

export async function setup(project: TestProject): Promise<void> {
  moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
}

export async function teardown(): Promise<void> {
  await moto?.stop();
}
