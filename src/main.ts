import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { pwa } from './pwa/index.ts';

const target = document.getElementById('app');
if (!target) throw new Error('Trove: #app element is missing from index.html');

// Registers the service worker (build only) and starts listening for the install offer before it fires.
pwa();

export default mount(App, { target });
