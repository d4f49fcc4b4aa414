namespace Wwi.Orders;
public record Order(int Id, decimal Total);
