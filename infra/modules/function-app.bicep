metadata description = 'The Flex Consumption plan and function app (Linux, .NET 10 isolated), its app settings, and optional Entra ID authentication (Easy Auth) in front of the job API.'

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app.')
param name string

@description('Region of the plan and the app.')
param location string

@description('Tags for the plan and the app (the app adds azd-service-name).')
param tags object

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('URL of the blob container that Flex Consumption deploys the app package to.')
param deploymentContainerUrl string

@description('Host storage blob endpoint.')
param hostBlobEndpoint string

@description('Host storage queue endpoint.')
param hostQueueEndpoint string

@description('Host storage table endpoint.')
param hostTableEndpoint string

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Lake root URL.')
param lakeUrl string

@description('Job-state table URL.')
param stateTableUrl string

@description('Fully qualified Event Hubs namespace.')
param eventHubsNamespace string

@description('Event hub carrying the changes.')
param eventHubName string

@description('Consumer group of the writers.')
param eventHubConsumerGroup string

@description('Key Vault URI.')
param keyVaultUri string

@description('Source MySQL/MariaDB host name.')
param sourceHost string

@description('Unversioned Key Vault URI of the source password secret.')
param sourceCredentialUri string

@description('Delegated subnet for VNet integration; empty for none.')
param subnetId string

@description('Entra ID application (client) id that callers of the job API get tokens for; empty for no Easy Auth.')
param authClientId string

@description('Tenant that issues those tokens.')
param authTenantId string

@description('Memory of each instance in MB.')
param instanceMemoryMB int

@description('Most instances the app scales out to.')
param maximumInstanceCount int

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // Linux.
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references (CDC_SOURCE_PASSWORD) are resolved with the user-assigned identity.
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        // One instance of the durable group (orchestrators, activities) is always ready, so capture and writer
        // supervisors resume without a cold start; everything else scales from zero.
        alwaysReady: [
          {
            name: 'durable'
            instanceCount: 1
          }
        ]
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // Every name here is a constant in src/Serverless.Cdc/Hosting/AppSettingNames.cs, and every constant there is
      // set here; tests/Serverless.Infra.Tests compares the two.
      appSettings: [
        {
          name: 'AzureWebJobsStorage__blobServiceUri'
          value: hostBlobEndpoint
        }
        {
          name: 'AzureWebJobsStorage__queueServiceUri'
          value: hostQueueEndpoint
        }
        {
          name: 'AzureWebJobsStorage__tableServiceUri'
          value: hostTableEndpoint
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        {
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsightsConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identityClientId};Authorization=AAD'
        }
        {
          name: 'CDC_LAKE_URL'
          value: lakeUrl
        }
        {
          name: 'CDC_STATE_TABLE_URL'
          value: stateTableUrl
        }
        {
          name: 'CDC_EVENTHUBS_NAMESPACE'
          value: eventHubsNamespace
        }
        {
          name: 'CDC_EVENTHUB_NAME'
          value: eventHubName
        }
        {
          name: 'CDC_EVENTHUB_CONSUMER_GROUP'
          value: eventHubConsumerGroup
        }
        {
          name: 'CDC_KEY_VAULT_URI'
          value: keyVaultUri
        }
        {
          name: 'CDC_SOURCE_HOST'
          value: sourceHost
        }
        {
          name: 'CDC_SOURCE_PASSWORD'
          value: '@Microsoft.KeyVault(SecretUri=${sourceCredentialUri})'
        }
      ]
    }
  }
}

// Publishing with user names and passwords is off; azd deploys with the signed-in Entra ID account.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

// Easy Auth: every HTTP request (the job API) needs an Entra ID bearer token issued for authClientId; others get 401.
resource auth 'Microsoft.Web/sites/config@2024-11-01' = if (!empty(authClientId)) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${authTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            authClientId
            'api://${authClientId}'
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

@description('Name of the function app.')
output name string = app.name

@description('Default host name of the function app.')
output defaultHostName string = app.properties.defaultHostName
