import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenAPIV3_1 } from 'openapi-types';

/**
 * Checks answers against the app's own OpenAPI document: a route's status must be documented, and
 * the body must match that status's schema, with no field the schema does not name.
 *
 * `fail` (the default) throws, so a test that receives an undocumented status or field fails; `report`
 * (JIFEN_CONTRACT=report) prints each distinct violation once instead, to list them all while documenting a route.
 */
export type ContractMode = 'fail' | 'report' | 'off';
export const contractMode: ContractMode = (process.env.JIFEN_CONTRACT as ContractMode | undefined) ?? 'fail';

// ajv-formats is CommonJS: its default export is the function under either name.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

type Schema = OpenAPIV3_1.SchemaObject | OpenAPIV3_1.ReferenceObject | boolean;

/** A copy of the schema where every object lists all its fields: an undocumented field is a violation. */
function closed(schema: Schema, inAllOf = false): Schema {
  if (typeof schema !== 'object' || schema === null || '$ref' in schema) return schema;
  const out: Record<string, unknown> = { ...schema };
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' || k === 'patternProperties' || k === '$defs' || k === 'definitions') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([name, s]) => [name, closed(s)]));
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not' || k === 'contains' || k === 'propertyNames') {
      out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) ? closed(v as Schema) : v;
    } else if (k === 'anyOf' || k === 'oneOf' || k === 'prefixItems') {
      out[k] = (v as Schema[]).map((s) => closed(s));
    } else if (k === 'allOf') {
      out[k] = (v as Schema[]).map((s) => closed(s, true));
    }
  }
  const isObject = schema.type === 'object' || 'properties' in schema;
  if (isObject && !inAllOf && !('additionalProperties' in schema) && !('patternProperties' in schema)) out.additionalProperties = false;
  return out as Schema;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  responses: Record<string, OpenAPIV3_1.ResponseObject>;
}

export interface Violation {
  route: string;
  status: number;
  problem: string;
}

export class Contract {
  private readonly routes: Route[] = [];
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv: Ajv2020;

  constructor(readonly document: OpenAPIV3_1.Document) {
    this.ajv = new Ajv2020({ strict: false, allErrors: false });
    addFormats(this.ajv);
    for (const [template, item] of Object.entries(document.paths ?? {})) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        const op = item?.[method];
        if (!op) continue;
        const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
        this.routes.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}$`),
          params: (template.match(/\{/g) ?? []).length,
          responses: Object.fromEntries(Object.entries(op.responses ?? {}).map(([status, r]) => [status, this.resolve(r)])),
        });
      }
    }
    // A literal segment wins over a parameter (/api/households/me before /api/households/{id}).
    this.routes.sort((a, b) => a.params - b.params);
  }

  private resolve(r: OpenAPIV3_1.ResponseObject | OpenAPIV3_1.ReferenceObject): OpenAPIV3_1.ResponseObject {
    if (!('$ref' in r)) return r;
    const name = r.$ref.replace('#/components/responses/', '');
    const found = this.document.components?.responses?.[name];
    if (!found || '$ref' in found) throw new Error(`unresolved response ${r.$ref}`);
    return found;
  }

  route(method: string, path: string): Route | undefined {
    return this.routes.find((r) => r.method === method && r.pattern.test(path));
  }

  private validator(key: string, schema: Schema): ValidateFunction {
    let v = this.validators.get(key);
    if (!v) {
      // The document's components ride along, so "#/components/schemas/..." resolves inside the compiled schema.
      const schemas = Object.fromEntries(Object.entries(this.document.components?.schemas ?? {}).map(([n, sch]) => [n, closed(sch as Schema)]));
      const root = closed(schema);
      v = this.ajv.compile(typeof root === 'object' ? { ...root, components: { schemas } } : root);
      this.validators.set(key, v);
    }
    return v;
  }

  /** What is wrong with this answer, or null; answers to paths the document does not name are not its business. */
  async check(method: string, path: string, res: Response): Promise<Violation | null> {
    const route = this.route(method, path);
    if (!route) return null;
    const name = `${method} ${route.template}`;
    const documented = route.responses[String(res.status)];
    if (!documented) return { route: name, status: res.status, problem: `status ${res.status} is not documented (documented: ${Object.keys(route.responses).join(', ')})` };
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const media = documented.content ?? {};
    if (Object.keys(media).length === 0) {
      const text = await res.text();
      return text.length === 0 ? null : { route: name, status: res.status, problem: `documented without a body, answered ${contentType}` };
    }
    const entry = media[contentType];
    if (!entry) return { route: name, status: res.status, problem: `answered ${contentType || 'no content type'}, documented ${Object.keys(media).join(', ')}` };
    // A compressed answer (the client asked for it) is checked in its plain form by the other tests.
    if (contentType !== 'application/json' || res.headers.has('content-encoding')) return null;
    const body: unknown = await res.json();
    const validate = this.validator(`${name} ${res.status}`, (entry.schema ?? {}) as Schema);
    if (validate(body)) return null;
    const e = validate.errors?.[0];
    const detail = e ? `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : ''}` : 'invalid';
    return { route: name, status: res.status, problem: `body does not match the schema: ${detail}` };
  }
}
