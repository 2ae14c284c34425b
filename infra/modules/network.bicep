metadata description = 'Optional VNet integration: a subnet delegated to Microsoft.App/environments (what Flex Consumption needs) in an existing virtual network that reaches the private MySQL server.'

@description('Existing virtual network (same region and subscription as the app) that reaches the source server.')
param vnetName string

@description('Free address range in that network for the new subnet.')
param subnetPrefix string

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: vnetName
}

resource subnet 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' = {
  parent: vnet
  name: 'snet-cdc-functions'
  properties: {
    addressPrefix: subnetPrefix
    delegations: [
      {
        name: 'flex-consumption'
        properties: {
          serviceName: 'Microsoft.App/environments'
        }
      }
    ]
  }
}

@description('Resource id of the delegated subnet, for the app\'s virtualNetworkSubnetId.')
output subnetId string = subnet.id
