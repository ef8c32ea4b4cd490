namespace Miraie.SafeMail.Gateway.Delivery;

/// <summary>Exponential backoff: the first retry after <c>InitialRetryDelay</c>, then double each time, never more than <c>MaxRetryDelay</c>.</summary>
public static class RetrySchedule
{
    /// <summary>The wait before attempt number <paramref name="attempts"/> + 1.</summary>
    public static TimeSpan Delay(DeliveryOptions options, int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var delay = options.InitialRetryDelay * Math.Pow(2, exponent);
        return delay > options.MaxRetryDelay ? options.MaxRetryDelay : delay;
    }
}
