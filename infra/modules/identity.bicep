metadata description = 'The user-assigned identity the function app runs as: host storage, lake, Event Hubs, Key Vault and telemetry.'

@description('Name of the identity.')
param name string

@description('Region of the identity.')
param location string

@description('Tags for the identity.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id, for the app\'s identity and its Key Vault references.')
output id string = identity.id

@description('Client id, for AzureWebJobsStorage__clientId, AZURE_CLIENT_ID and telemetry authentication.')
output clientId string = identity.properties.clientId

@description('Object id of the service principal, for role assignments.')
output principalId string = identity.properties.principalId
