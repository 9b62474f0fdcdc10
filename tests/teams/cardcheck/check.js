#!/usr/bin/env node
// Validates Adaptive Cards with the official `adaptivecards` package against version 1.5.
//
//   node check.js cards.json [more.json…]     or     … | node check.js
//
// Input: one card, an array of cards, or an object {name: card}. Every card is parsed with
// AdaptiveCard.parse and a SerializationContext targeting 1.5; any parse or validation event
// fails it. On top of that, properties the 1.5 schema does not know (or that need a newer
// version) fail too, because the library silently drops them. Prints a JSON report and exits
// 1 when any card failed.
'use strict';

const fs = require('fs');
const path = require('path');
const AC = require(path.join(__dirname, 'node_modules', 'adaptivecards', 'dist', 'adaptivecards.js'));

const TARGET = AC.Versions.v1_5;
// Keys that are structure rather than schema properties, and Teams' documented extension.
const STRUCTURAL = new Set(['body', 'actions', 'items', 'columns', 'facts', 'fallback', 'msteams']);

function schemaNames(obj) {
  const schema = obj.getSchema();
  const names = new Map();
  for (let i = 0; i < schema.getCount(); i++) {
    const prop = schema.getItemAt(i);
    names.set(prop.name, prop.targetVersion);
  }
  return names;
}

function checkKeys(json, obj, where, problems) {
  const names = schemaNames(obj);
  for (const key of Object.keys(json)) {
    if (STRUCTURAL.has(key)) continue;
    if (!names.has(key)) {
      problems.push(`${where}: unknown property "${key}"`);
    } else if (names.get(key) && names.get(key).compareTo(TARGET) > 0) {
      problems.push(`${where}: "${key}" needs version ${names.get(key).toString()}`);
    }
  }
}

function walk(json, where, problems) {
  if (Array.isArray(json)) {
    json.forEach((item, i) => walk(item, `${where}[${i}]`, problems));
    return;
  }
  if (!json || typeof json !== 'object') return;
  const type = json.type;
  let obj = null;
  if (type === 'AdaptiveCard') obj = new AC.AdaptiveCard();
  else if (type === 'Column') obj = new AC.Column(); // (made by its ColumnSet, not registered)
  else if (typeof type === 'string' && type.startsWith('Action.')) {
    obj = AC.GlobalRegistry.defaultActions.createInstance(type, TARGET);
  } else if (typeof type === 'string') {
    obj = AC.GlobalRegistry.defaultElements.createInstance(type, TARGET);
  }
  if (typeof type === 'string' && !obj) problems.push(`${where}: unknown type "${type}"`);
  if (obj) checkKeys(json, obj, `${where} ${type}`, problems);
  for (const key of ['body', 'actions', 'items', 'columns']) {
    if (json[key] !== undefined) walk(json[key], `${where}.${key}`, problems);
  }
  if (json.selectAction) walk(json.selectAction, `${where}.selectAction`, problems);
  if (Array.isArray(json.facts)) {
    json.facts.forEach((f, i) => checkKeys(f, new AC.Fact(), `${where}.facts[${i}]`, problems));
  }
  if (Array.isArray(json.choices)) {
    json.choices.forEach((c, i) => {
      for (const key of Object.keys(c)) {
        if (key !== 'title' && key !== 'value') problems.push(`${where}.choices[${i}]: unknown "${key}"`);
      }
      if (typeof c.title !== 'string' || typeof c.value !== 'string') {
        problems.push(`${where}.choices[${i}]: title and value must be strings`);
      }
    });
  }
}

function validate(card) {
  const problems = [];
  if (!card || card.type !== 'AdaptiveCard') problems.push('not an AdaptiveCard');
  if (card && card.version !== '1.5') problems.push(`version is ${card && card.version}, not 1.5`);
  const context = new AC.SerializationContext(TARGET);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    problems.push(`parse: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  const results = parsed.validateProperties();
  for (const e of results.validationEvents) {
    problems.push(`validate: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  walk(card, 'card', problems);
  return problems;
}

function cardsOf(data) {
  if (Array.isArray(data)) return data.map((c, i) => [String(i), c]);
  if (data && data.type === 'AdaptiveCard') return [['card', data]];
  return Object.entries(data || {});
}

function main() {
  const inputs = process.argv.slice(2);
  const texts = inputs.length ? inputs.map((f) => fs.readFileSync(f, 'utf8')) : [fs.readFileSync(0, 'utf8')];
  const report = { checked: 0, failed: {} };
  for (const text of texts) {
    for (const [name, card] of cardsOf(JSON.parse(text))) {
      report.checked += 1;
      const problems = validate(card);
      if (problems.length) report.failed[name] = problems;
    }
  }
  process.stdout.write(JSON.stringify(report, null, 1) + '\n');
  process.exit(Object.keys(report.failed).length ? 1 : 0);
}

main();
