using Miraie.SafeMail.Benchmarks;

return BenchCommand.Run(args);
