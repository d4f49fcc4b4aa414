using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Fabrikam.Orders.Functions;

public class OrderProcessor(ILogger<OrderProcessor> logger)
{
    // Imports an order into the ERP system; a large order takes up to 8 minutes.
    [Function("ProcessOrder")]
    public async Task Run([QueueTrigger("orders", Connection = "AzureWebJobsStorage")] string message)
    {
        logger.LogInformation("Importing order {Message}", message);
        await Task.CompletedTask;
    }
}
