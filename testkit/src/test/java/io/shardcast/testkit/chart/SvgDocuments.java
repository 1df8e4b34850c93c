package io.shardcast.testkit.chart;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Reads a chart the way its tests look at it: parsed as XML, elements found by their class. */
public final class SvgDocuments {

  private SvgDocuments() {}

  /** The SVG parsed as a namespace-aware XML document (a malformed picture fails here). */
  public static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  /** The SVG elements named {@code tag} whose class attribute is {@code cls}, in document order. */
  public static List<Element> byClass(Document doc, String tag, String cls) {
    NodeList all = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", tag);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      if (e.getAttribute("class").equals(cls)) {
        out.add(e);
      }
    }
    return out;
  }

  /** The numbers written by the tick labels of class {@code cls}. */
  public static List<Double> tickValues(Document doc, String cls) {
    List<Double> out = new ArrayList<>();
    for (Element e : byClass(doc, "text", cls)) {
      out.add(Double.parseDouble(e.getTextContent().replace(",", "")));
    }
    return out;
  }
}
