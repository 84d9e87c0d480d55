// Every in-process suite: the ECS metadata service, the credentials' last source, is a
// closed loopback port unless a test starts its own (tests only ever reach loopback).
process.env.SERVICESTAGE_METADATA_ENDPOINT ??= "http://127.0.0.1:9";
