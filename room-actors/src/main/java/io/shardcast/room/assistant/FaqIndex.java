package io.shardcast.room.assistant;

import io.shardcast.room.state.ProductFacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * The host's FAQ and the products' attributes, searched with Lucene and its Chinese analyzer
 * (smartcn, which segments Chinese into words and lowercases and stems English): the entries are
 * ranked by BM25, and the best is taken only when most of its question's words are in the viewer's
 * (a FAQ entry's question, or an attribute's name). Built from a {@link CatalogView} once, read by
 * one thread at a time.
 */
public final class FaqIndex {

  /** An entry found: the host's answer ({@code attributeName} null) or an attribute's value. */
  public record Hit(CatalogView.Product product, String attributeName, String answer) {}

  /** The share of an entry's words the question must hold. */
  static final double COVERAGE = 0.6;

  private record Entry(CatalogView.Product product, String attributeName, String answer, Set<String> words) {}

  private final Analyzer analyzer = new SmartChineseAnalyzer();
  private final List<Entry> entries = new ArrayList<>();
  private final IndexSearcher searcher;

  private FaqIndex(CatalogView view) {
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(analyzer))) {
      for (CatalogView.Product p : view.products()) {
        for (ProductFacts.Faq f : p.facts().faq()) {
          add(w, new Entry(p, null, f.a(), words(f.q())), f.q());
        }
        for (Map.Entry<String, String> a : p.facts().attributes().entrySet()) {
          add(w, new Entry(p, a.getKey(), a.getValue(), words(a.getKey())), a.getKey());
        }
      }
      w.commit();
      searcher = new IndexSearcher(DirectoryReader.open(dir));
    } catch (IOException e) {
      throw new UncheckedIOException("an index in memory", e);
    }
  }

  public static FaqIndex of(CatalogView view) {
    return new FaqIndex(view);
  }

  private void add(IndexWriter w, Entry e, String question) throws IOException {
    Document d = new Document();
    d.add(new TextField("q", question, Field.Store.NO));
    d.add(new StringField("product", e.product().productId(), Field.Store.NO));
    d.add(new StoredField("entry", entries.size()));
    entries.add(e);
    w.addDocument(d);
  }

  /** The best entry for {@code question} among {@code products} (all when null), or null. */
  public Hit best(String question, List<CatalogView.Product> products) {
    Set<String> asked = words(question);
    if (asked.isEmpty() || entries.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder words = new BooleanQuery.Builder();
    asked.forEach(word -> words.add(new TermQuery(new Term("q", word)), BooleanClause.Occur.SHOULD));
    BooleanQuery.Builder q = new BooleanQuery.Builder().add(words.build(), BooleanClause.Occur.MUST);
    if (products != null) {
      BooleanQuery.Builder among = new BooleanQuery.Builder();
      products.forEach(p -> among.add(new TermQuery(new Term("product", p.productId())), BooleanClause.Occur.SHOULD));
      q.add(among.build(), BooleanClause.Occur.FILTER);
    }
    try {
      for (ScoreDoc sd : searcher.search(q.build(), 5).scoreDocs) {
        Entry e = entries.get(searcher.storedFields().document(sd.doc).getField("entry").numericValue().intValue());
        long shared = e.words().stream().filter(asked::contains).count();
        if (!e.words().isEmpty() && (double) shared / e.words().size() >= COVERAGE) {
          return new Hit(e.product(), e.attributeName(), e.answer());
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The words the analyzer makes of {@code text}, punctuation left out. */
  Set<String> words(String text) {
    Set<String> out = new LinkedHashSet<>();
    try (TokenStream ts = analyzer.tokenStream("q", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        String w = term.toString();
        if (w.codePoints().anyMatch(Character::isLetterOrDigit)) {
          out.add(w);
        }
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
