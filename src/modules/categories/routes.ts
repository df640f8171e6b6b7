import type { App } from '../../app.js';

export default async function routes(_app: App, _opts: object) {}
