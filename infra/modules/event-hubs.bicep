metadata description = 'Event Hubs Standard namespace (1 throughput unit, Entra ID only), the change hub and the writers\' consumer group.'

@description('Name of the namespace.')
param namespaceName string

@description('Region of the namespace.')
param location string

@description('Tags for the namespace.')
param tags object

@description('Name of the hub carrying change batches from capture to the writers.')
param hubName string

@description('Partitions of the hub; one writer orchestration runs per partition.')
param partitionCount int

@description('Consumer group the writers read with.')
param consumerGroupName string

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: 1
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    isAutoInflateEnabled: false
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    // Standard's longest retention: writers that were down for days still find every batch they have not committed.
    messageRetentionInDays: 7
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
}

@description('Name of the namespace.')
output namespaceName string = namespace.name

@description('Fully qualified namespace, NAME.servicebus.windows.net (from the endpoint, so it holds in every cloud).')
output fullyQualifiedNamespace string = replace(
  replace(namespace.properties.serviceBusEndpoint, 'https://', ''),
  ':443/',
  ''
)

@description('Name of the hub.')
output hubName string = hub.name

@description('Name of the consumer group.')
output consumerGroupName string = consumerGroup.name
