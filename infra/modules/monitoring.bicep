metadata description = 'Log Analytics workspace and the workspace-based Application Insights component (Entra ID ingestion only).'

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Region of both.')
param location string

@description('Tags for both.')
param tags object

@description('Daily ingestion cap in GB; -1 removes the cap.')
param dailyCapGb int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    // 30 days is inside the retention that ingestion already pays for.
    retentionInDays: 30
    workspaceCapping: {
      dailyQuotaGb: dailyCapGb
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    // Telemetry is accepted only with an Entra ID token (the app's identity holds Monitoring Metrics Publisher).
    DisableLocalAuth: true
  }
}

@description('Name of the Application Insights component.')
output appInsightsName string = appInsights.name

@description('Connection string of the Application Insights component (an ingestion endpoint, not a credential: local authentication is off).')
output appInsightsConnectionString string = appInsights.properties.ConnectionString
