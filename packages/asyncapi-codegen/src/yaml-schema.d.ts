// Types of yaml-schema.js (plain JavaScript, shared with the repository's scripts).
/// <reference path="./js-yaml.d.ts" />
import type jsYaml from 'js-yaml';

/** The YAML 1.2 core schema as the `yaml` package resolves it, for `jsYaml.load(text, { schema })`. */
export declare const YAML_CORE_SCHEMA: (typeof jsYaml)['CORE_SCHEMA'];
