// Huawei Cloud ServiceStage v3: job component redeployment and release tasks, for every Pulumi language.
package servicestage
