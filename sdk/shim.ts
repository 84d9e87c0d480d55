/**
 * The provider objects handed to `pulumi.dynamic.Resource`. Pulumi serializes them into
 * every resource's `__provider` (twice in state), so they are deliberately thin: each
 * method `require`s the implementation by package subpath at call time. A `require`
 * written inside a method body is emitted as a `require` call, so nothing of the
 * implementation (codecs, classes, credentials, absolute paths) is captured by value,
 * and the text stays small and valid across versions of this package.
 *
 * Keep every method self-contained: anything it references from this module would be
 * captured by value.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

/* eslint-disable @typescript-eslint/no-require-imports */
export const jobComponentShim: dynamic.ResourceProvider = {
  configure: (req) => require("pulumi-servicestage/provider").configure(req),
  check: (olds, news) => require("pulumi-servicestage/provider").jobComponentProvider.check(olds, news),
  diff: (id, olds, news) => require("pulumi-servicestage/provider").jobComponentProvider.diff(id, olds, news),
  create: (inputs) => require("pulumi-servicestage/provider").jobComponentProvider.create(inputs),
  read: (id, props) => require("pulumi-servicestage/provider").jobComponentProvider.read(id, props),
  update: (id, olds, news) => require("pulumi-servicestage/provider").jobComponentProvider.update(id, olds, news),
  delete: (id, props) => require("pulumi-servicestage/provider").jobComponentProvider.delete(id, props),
};

export const releasePlanShim: dynamic.ResourceProvider = {
  configure: (req) => require("pulumi-servicestage/provider").configure(req),
  check: (olds, news) => require("pulumi-servicestage/provider").releasePlanProvider.check(olds, news),
  diff: (id, olds, news) => require("pulumi-servicestage/provider").releasePlanProvider.diff(id, olds, news),
  create: (inputs) => require("pulumi-servicestage/provider").releasePlanProvider.create(inputs),
  read: (id, props) => require("pulumi-servicestage/provider").releasePlanProvider.read(id, props),
  update: (id, olds, news) => require("pulumi-servicestage/provider").releasePlanProvider.update(id, olds, news),
  delete: (id, props) => require("pulumi-servicestage/provider").releasePlanProvider.delete(id, props),
};
