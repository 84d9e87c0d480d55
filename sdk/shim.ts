/**
 * The provider objects handed to `pulumi.dynamic.Resource`. Pulumi serializes them into
 * every resource's `__provider` (twice in state), so they are deliberately thin: each
 * method `require`s the implementation by package subpath at call time. A `require`
 * written inside a method body is emitted as a `require` call, so nothing of the
 * implementation (codecs, classes, credentials, absolute paths) is captured by value,
 * and the text stays small and valid across versions of this package.
 *
 * The only value captured is `name`, a string. Keep it that way: anything else a method
 * references from this module would be captured by value too.
 *
 * The text is stored in every stack's state and runs against later releases of this
 * package: `pulumi-servicestage/provider` and its exports are a permanent contract
 * (provider/index.ts; test/host/contract.test.ts keeps each release's text working).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
// A type only: erased from the emitted JavaScript, so the serialized text is unchanged,
// while go-to-definition follows each call into provider/.
import type * as ProviderModule from "../provider/index";

/** A resource's `providerExport` (provider/resources/): the lifecycles provider/index.ts exports. */
type ProviderName = { [K in keyof typeof ProviderModule]: (typeof ProviderModule)[K] extends { check: unknown } ? K : never }[keyof typeof ProviderModule];

/* eslint-disable @typescript-eslint/no-require-imports */
export const shimFor = (name: ProviderName): dynamic.ResourceProvider => ({
  configure: (req) => (require("pulumi-servicestage/provider") as typeof ProviderModule).configure(req),
  check: (olds, news) => (require("pulumi-servicestage/provider") as typeof ProviderModule)[name].check(olds, news),
  diff: (id, olds, news) => (require("pulumi-servicestage/provider") as typeof ProviderModule)[name].diff(id, olds, news),
  create: (inputs) => (require("pulumi-servicestage/provider") as typeof ProviderModule)[name].create(inputs),
  read: (id, props) => (require("pulumi-servicestage/provider") as typeof ProviderModule)[name].read(id, props),
  update: (id, olds, news) => (require("pulumi-servicestage/provider") as typeof ProviderModule)[name].update(id, olds, news),
  delete: (id, props) => (require("pulumi-servicestage/provider") as typeof ProviderModule)[name].delete(id, props),
});
