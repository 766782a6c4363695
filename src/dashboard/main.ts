// The dashboard's entry point: mounts the app into index.html's #app.
import { html, render } from 'htm/preact';
import { App } from './app.ts';
import './style.css';

render(html`<${App} />`, document.getElementById('app')!);
