// The single-page app: sign-in, the hash router and the campaign tabs. Pages are ES modules with
// `render(root, ctx)`; ctx = {user, campaign (GET /api/campaigns/NAME), navigate(hash)}.
//   #/                       campaigns and the creation form (campaigns.js)
//   #/c/NAME/data            data table, results, history, CSV (data.js)
//   #/c/NAME/suggest         engine suggestions, editable before acceptance (suggest.js)
//   #/c/NAME/propose         researcher proposal with the model's prediction (propose.js)
//   #/c/NAME/model           slices, heatmaps, stacked 3-D slices (model.js)
//   #/c/NAME/diagnostics     length scales, leave-one-out, loops compared (diagnostics.js)
import {ApiError, campaignPath, get, post} from './api.js';
import * as campaigns from './campaigns.js';
import * as data from './data.js';
import * as diagnostics from './diagnostics.js';
import * as model from './model.js';
import * as propose from './propose.js';
import * as suggest from './suggest.js';
import {clear, h, toast} from './util.js';

const TABS = [
  ['data', 'Data', data],
  ['suggest', 'Suggest', suggest],
  ['propose', 'Propose', propose],
  ['model', 'Model', model],
  ['diagnostics', 'Diagnostics', diagnostics],
];

const state = {user: null};

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function renderTabs(name, active) {
  const tabs = document.getElementById('tabs');
  if (!name) {
    clear(tabs, h('a', {href: '#/', class: 'tab active'}, 'Campaigns'));
    return;
  }
  clear(tabs,
    h('a', {href: '#/', class: 'tab'}, 'Campaigns'),
    h('span', {class: 'campaign-name', title: 'campaign'}, name),
    TABS.map(([key, label]) => h('a', {
      href: `#/c/${encodeURIComponent(name)}/${key}`,
      class: key === active ? 'tab active' : 'tab',
      dataset: {tab: key},
    }, label)));
}

function renderLogin(root, message) {
  const input = h('input', {type: 'password', name: 'token', autocomplete: 'off',
    placeholder: 'access token', size: 70});
  const form = h('form', {class: 'card login'},
    h('h2', {}, 'Sign in'),
    h('p', {}, message),
    h('p', {class: 'muted'}, 'Open the URL printed by `kyoso serve` (it carries the token), or ',
      'paste your token here (lab servers: the token from `kyoso serve --add-user NAME`).'),
    input, ' ', h('button', {type: 'submit', class: 'primary'}, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await post('/api/login', {token: input.value.trim()});
      await start();
    } catch (error) {
      toast(error.message, 'error');
    }
  });
  clear(root, form);
}

async function route() {
  const root = document.getElementById('view');
  const match = location.hash.match(/^#\/c\/([^/]+)\/?([a-z]*)/);
  try {
    if (!match) {
      renderTabs(null);
      await campaigns.render(root, {user: state.user, navigate});
      return;
    }
    const name = decodeURIComponent(match[1]);
    const tab = TABS.find(([key]) => key === match[2]) || TABS[0];
    renderTabs(name, tab[0]);
    const campaign = (await get(campaignPath(name))).campaign;
    clear(root, h('p', {class: 'muted'}, 'Loading…'));
    await tab[2].render(root, {user: state.user, campaign, navigate});
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      renderLogin(root, 'Your session has no valid token.');
      return;
    }
    clear(root, h('div', {class: 'card error'}, h('h2', {}, 'Error'),
      h('pre', {}, error instanceof ApiError ? `${error.code}: ${error.describe()}` : String(error))));
  }
}

async function start() {
  const root = document.getElementById('view');
  try {
    const session = await get('/api/session');
    state.user = session.user;
    clear(document.getElementById('who'), `signed in as ${session.user}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      renderTabs(null);
      renderLogin(root, 'This kyoso server needs an access token.');
      return;
    }
    throw error;
  }
  await route();
}

window.addEventListener('hashchange', route);
start();
