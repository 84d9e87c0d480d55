"""A JobComponent with a misspelled keyword argument: Python refuses it before Pulumi sees it."""

import pulumi_servicestage as servicestage

servicestage.JobComponent(
    "typo",
    application_id="app-demo",
    component_id="comp-job",
    name="mycomponent",
    versoin="2025.0323.15181",  # type: ignore[call-arg]
    runtime_stack=servicestage.JobRuntimeStackArgs(name="OpenJDK8", version="1.1.1", type=servicestage.JobRuntimeStackType.JAVA, deploy_mode=servicestage.JobRuntimeStackDeployMode.VIRTUALMACHINE),
    source=servicestage.SourceArgs(kind=servicestage.SourceKind.PACKAGE, url="obs://bucket0001/weather-1.0.0.jar", storage=servicestage.SourceStorage.OBS),
    replica=1,
)
