// LhaWriter.java - writes an LZH archive with the jlha library (Debian package libjlha-java, which jlha-utils
// uses), for the methods and header levels the jlha command does not offer (-lh1-, -lh4-, -lzs-, -lz5-, level 3).
// Run as a single-file program (java LhaWriter.java ...; the JRE's jdk.compiler module compiles it):
//   java -cp /usr/share/java/jlha.jar LhaWriter.java OUT.lzh LEVEL METHOD ENCODING SRC=NAME...
// e.g. ... out.lzh 1 -lh1- Shift_JIS quote.pdf=見積書.pdf. Deterministic: every entry gets the same fixed time.
import java.io.*;
import java.nio.file.*;
import java.util.*;
import jp.gr.java_conf.dangan.util.lha.*;

public class LhaWriter {
    public static void main(String[] args) throws Exception {
        Properties properties = LhaProperty.getProperties();
        properties.setProperty("lha.encoding", args[3]);
        Date fixed = new Date(1795775400000L); // 2026-11-27 10:30:00 UTC
        try (LhaOutputStream out = new LhaOutputStream(new FileOutputStream(args[0]), properties)) {
            for (int i = 4; i < args.length; i++) {
                String[] pair = args[i].split("=", 2);
                byte[] data = Files.readAllBytes(Paths.get(pair[0]));
                LhaHeader header = new LhaHeader(pair[1], fixed);
                header.setHeaderLevel(Integer.parseInt(args[1]));
                header.setCompressMethod(args[2]);
                out.putNextEntry(header);
                out.write(data);
                out.closeEntry();
            }
        }
    }
}
