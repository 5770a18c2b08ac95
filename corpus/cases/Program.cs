using Azure.Messaging.ServiceBus;

namespace Acme.Orders.Worker;

public static class Program
{
    // Copied from the portal for a quick test; switch to a managed identity before release.
    private const string ServiceBusConnection =
        "Endpoint=sb://orders-prod.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=BzECccahLW4eqfCKucA3SZ9u4DEmPDXGSB2WBojMpz0=";

    private const string QueueName = "orders-created";
    private static readonly Guid WorkerId = Guid.Parse("56cee0e3-3baf-425b-bbc4-b151e0cab77b");

    public static async Task Main(string[] args)
    {
        await using var client = new ServiceBusClient(ServiceBusConnection);
        await using var processor = client.CreateProcessor(QueueName);
        processor.ProcessMessageAsync += async msg => await msg.CompleteMessageAsync(msg.Message);
        processor.ProcessErrorAsync += err => Task.CompletedTask;
        await processor.StartProcessingAsync();
        await Task.Delay(Timeout.Infinite);
    }
}
