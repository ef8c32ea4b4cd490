using Miraie.SafeMail.Benchmarks;

return await BenchCommand.RunAsync(args);
